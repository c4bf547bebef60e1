import type { ApiEvent, ApiLocation, ListedLocation } from '$lib/api';
import { compareLocations } from '$lib/schedule/order';
import { createVersionedStore } from './versioned';

/** Locations as a page loaded them (the schedule's by name only), or whole from live events. */
export type HeldLocation = ListedLocation & Partial<Pick<ApiLocation, 'description'>>;

export function applyLocationEvent(locations: HeldLocation[], event: ApiEvent): HeldLocation[] {
	switch (event.type) {
		case 'location-update': {
			const others = locations.filter((location) => location.id !== event.data.id);
			return [...others, event.data].sort(compareLocations);
		}
		case 'location-delete':
			return locations.filter((location) => location.id !== event.data.id);
		default:
			return locations;
	}
}

/** The locations (public): page data, then live events. */
export const createLocationsStore = () => createVersionedStore(applyLocationEvent);
