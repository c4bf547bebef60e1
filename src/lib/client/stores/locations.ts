import type { ApiEvent, ApiLocation } from '$lib/api';
import { compareLocations } from '$lib/schedule/order';
import { createVersionedStore } from './versioned';

export function applyLocationEvent(locations: ApiLocation[], event: ApiEvent): ApiLocation[] {
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
