import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { LockHolder } from '../platform/db/data-folder-lock.js';

/**
 * While `joinery serve` holds an embedded data folder, the other commands run
 * inside the server, on its open database, instead of opening a second copy:
 * the command line sends its arguments over a Unix socket and prints what comes
 * back. The socket is for the folder's owner only (mode 0600) and every
 * request carries the token from the lock file, which is also 0600.
 */

type Io = { out: (line: string) => void; err: (line: string) => void };
export type RunCommand = (argv: string[], io: Io) => Promise<number>;

/** A Unix socket path must be short (about 100 bytes): in the data folder when it fits, else in the temporary folder. */
function socketPath(dataDir: string): string {
  const inFolder = path.join(dataDir, 'joinery.sock');
  if (Buffer.byteLength(inFolder) < 100) return inFolder;
  return path.join(os.tmpdir(), `joinery-${crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

export async function openCommandSocket(dataDir: string, run: RunCommand): Promise<{ socket: string; token: string; close: () => Promise<void> }> {
  const socket = socketPath(dataDir);
  const token = crypto.randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  // Only this process holds the folder's lock, so a socket file left there is from an ended server.
  fs.rmSync(socket, { force: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { token?: unknown; argv?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = {};
      }
      const given = Buffer.from(typeof body.token === 'string' ? body.token : '');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
        res.writeHead(403).end();
        return;
      }
      if (!Array.isArray(body.argv) || !body.argv.every((a) => typeof a === 'string')) {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const send = (line: object) => res.write(`${JSON.stringify(line)}\n`);
      run(body.argv as string[], { out: (out) => send({ out }), err: (err) => send({ err }) })
        .then((code) => res.end(`${JSON.stringify({ code })}\n`))
        .catch((error: unknown) => {
          console.error(error);
          res.end(`${JSON.stringify({ err: `The command failed in the server: ${error instanceof Error ? error.message : String(error)}`, code: 1 })}\n`);
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, resolve);
  });
  fs.chmodSync(socket, 0o600);
  return {
    socket,
    token,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      fs.rmSync(socket, { force: true });
    }),
  };
}

/** Runs a command in the server that holds the folder, printing its output as it comes; returns its exit code. */
export function relayCommand(serving: NonNullable<LockHolder['serving']>, argv: string[], io: Io): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: serving.socket, method: 'POST', path: '/', headers: { 'content-type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`The running Joinery server refused the command (HTTP ${res.statusCode}).`));
        return;
      }
      let pending = '';
      let code = 1;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines.filter(Boolean)) {
          const message = JSON.parse(line) as { out?: string; err?: string; code?: number };
          if (message.out !== undefined) io.out(message.out);
          if (message.err !== undefined) io.err(message.err);
          if (message.code !== undefined) code = message.code;
        }
      });
      res.on('end', () => resolve(code));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new Error(`Could not reach the running Joinery server on ${serving.socket}: ${e.message}`)));
    req.end(JSON.stringify({ token: serving.token, argv }));
  });
}
