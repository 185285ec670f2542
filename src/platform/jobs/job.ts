/**
 * A job Joinery runs by itself on a schedule (the age milestones of family
 * access, the virtual ward's checks). `run` is given the clock it runs for,
 * so a test or a catch-up can run it for any moment; it answers one line
 * saying what it did, which the run's record keeps. A job must be safe to
 * run twice for the same moment: the second run changes nothing.
 */
export interface ScheduledJob {
  name: string;
  everyMinutes: number;
  run(now: Date): Promise<string>;
}
