import { createChannel } from '../channel';
import type { StoredEvent } from './stored-event';

const bus = createChannel<StoredEvent>('tidewatch.eventBus');

/** Hears every committed event, in id order. */
export const subscribeEvents = bus.subscribe;
export const publishEvent = bus.publish;
