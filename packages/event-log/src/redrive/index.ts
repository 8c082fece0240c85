export {
  cancelRedrive,
  createRedrive,
  dryRunRedrive,
  failRedrive,
  getRedrive,
  listRedrives,
} from './redrive-store.js';
export {
  claimRedriveEvent,
  finishRedrive,
  INTERRUPTED_ERROR,
  nextRedriveEvents,
  settleRedriveEvent,
  takeRedrive,
  type HandlerResult,
  type RedriveEvent,
  type RedriveJob,
} from './redrive-progress.js';
export { entityEventsBefore, type EarlierEvent } from './entity-events.js';
