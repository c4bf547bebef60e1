/** A LIKE pattern (with `ESCAPE '\'`) for text holding `text`: its own `%`, `_` and `\` match themselves. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
