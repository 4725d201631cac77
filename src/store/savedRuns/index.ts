/**
 * Saved runs: the run file and its validation (`runFile.ts`) and the browser's store of runs
 * (`db.ts`, IndexedDB), in one import for the UI, the session and the CLI.
 */
export * from './runFile';
export * from './db';
export { cleanRunName, defaultRunName, MAX_RUN_NAME_LENGTH } from '../names';
