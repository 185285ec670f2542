// What other capabilities may know of MDT meetings without asking the service: the themes a discussion is filed under.
export { THEMES } from './meeting-input.js';
