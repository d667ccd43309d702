export { Communities, type CommunitiesOptions, type DelegationDetails, type PendingRecognitionView } from './communities';
export { COMMUNITY_STORES } from './records';
export { communityRoutes, type CommunityRoutesOptions } from './routes';
export { governanceService } from './service';
