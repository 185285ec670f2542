import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * One process owns an embedded data folder. PGlite does not stop a second
 * process opening the same folder, and two copies of the database in two
 * processes each write over the other's files, so `joinery.lock` in the folder
 * names the owner. It is created atomically (O_EXCL); a lock whose process has
 * gone (crash, kill -9, reboot) is stale and taken over.
 */
export const LOCK_FILE = 'joinery.lock';

export type LockHolder = {
  pid: number;
  /** When the process started, as the kernel counts it (Linux): a reused pid is then not mistaken for the owner. */
  pidStart: string | null;
  command: string;
  startedAt: string;
  /** Set once `joinery serve` accepts commands on its command socket. */
  serving?: { socket: string; token: string };
};

export class DataFolderInUse extends Error {
  constructor(readonly dataDir: string, readonly holder: LockHolder) {
    super(describeHolder(dataDir, holder));
  }
}

export function describeHolder(dataDir: string, holder: LockHolder): string {
  const what = `process ${holder.pid} (joinery ${holder.command}, started ${holder.startedAt})`;
  if (holder.command === 'serve' && !holder.serving) return `The data folder ${dataDir} is held by ${what}, which is still starting: try again when it says it is running.`;
  return `The data folder ${dataDir} is in use by ${what}. Wait for it to finish or stop it; ` +
    `if that process is certainly not Joinery, delete ${path.join(dataDir, LOCK_FILE)}.`;
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat), or null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return held.has(holder.startedAt);
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = holder.pidStart ? processStart(holder.pid) : null;
  return start === null || start === holder.pidStart;
}

function readHolder(file: string): LockHolder | null | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** The live process holding the folder, if any (a stale lock counts as none). */
export function folderHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(path.join(dataDir, LOCK_FILE));
  return holder && holder !== 'unreadable' && alive(holder) ? holder : null;
}

/** Locks this process holds, by their startedAt stamp (so one process cannot open its own folder twice either). */
const held = new Set<string>();

export type DataFolderLock = {
  holder: LockHolder;
  /** Records the command socket, once serving, for other joinery commands to find. */
  announce(serving: NonNullable<LockHolder['serving']>): void;
  release(): void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the folder for this process, or throws DataFolderInUse naming the process that has it. */
export async function lockDataFolder(dataDir: string, command: string): Promise<DataFolderLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid, pidStart: processStart(process.pid), command,
    startedAt: `${new Date().toISOString()} #${crypto.randomBytes(3).toString('hex')}`,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(holder));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const other = readHolder(file);
    // Another process may be between creating the file and writing it: give it a moment before calling it stale.
    if (other === 'unreadable' && attempt < 20) {
      await sleep(50);
      continue;
    }
    if (other && other !== 'unreadable' && alive(other)) throw new DataFolderInUse(dataDir, other);
    if (attempt > 40) throw new Error(`Could not take the lock ${file}: it keeps changing.`);
    removeStale(file, other);
  }
  held.add(holder.startedAt);
  const ours = () => {
    const now = readHolder(file);
    return now !== null && now !== 'unreadable' && now.startedAt === holder.startedAt;
  };
  const onExit = () => lock.release();
  process.once('exit', onExit);
  const lock: DataFolderLock = {
    holder,
    announce(serving) {
      holder.serving = serving;
      // Write beside and rename: a reader sees the old lock or the new one, never half of one.
      const next = `${file}.${process.pid}`;
      fs.writeFileSync(next, JSON.stringify(holder), { mode: 0o600 });
      fs.renameSync(next, file);
    },
    release() {
      if (!held.delete(holder.startedAt)) return;
      process.removeListener('exit', onExit);
      if (ours()) fs.rmSync(file, { force: true });
    },
  };
  return lock;
}

/**
 * Moves a stale lock aside atomically, so two processes that both found it
 * stale cannot each delete the lock the other has just made.
 */
function removeStale(file: string, seen: LockHolder | null | 'unreadable') {
  const aside = `${file}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  const same = seen === moved || (seen && moved && seen !== 'unreadable' && moved !== 'unreadable' && seen.startedAt === moved.startedAt);
  if (!same && moved && moved !== 'unreadable' && alive(moved)) {
    // It changed hands between reading and moving: put the new owner's lock back.
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone else has made a lock meanwhile; theirs stands.
    }
  }
  fs.rmSync(aside, { force: true });
}
