export { distanceKm } from './geo';
export { parseSpaceQuery, SEARCH_PARAMETERS, type SpaceQuery } from './query';
export { SpaceSearch, type SpaceSearchOptions, type SpaceSearchPage, type SpaceSearchResult } from './search';
