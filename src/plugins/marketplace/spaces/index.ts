export { SpaceDirectory, type SpaceDirectoryOptions } from './directory';
export { SPACE_STORES, type Listing } from './records';
export { spaceRoutes, type SpaceRoutesOptions } from './routes';
export { spaceView } from './view';
export { SpaceSearch, type SpaceSearchOptions, type SpaceSearchPage, type SpaceSearchResult } from '../search';
