// What other capabilities may know of tasks without asking the service: how each status is called.
export { STATUS_LABELS } from './state-machine.js';
