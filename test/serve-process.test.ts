import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * `joinery serve` and the command line as separate processes on one embedded
 * data folder, as an operator runs them: the server owns the folder, and the
 * command line works through it.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  });
});

const env = (port?: number) => ({
  ...process.env, JOINERY_DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port ?? 3000),
  JOINERY_DEMO_CHILDREN: '100', JOINERY_DEMO_PASSWORD: 'demo-password-1',
  // The stand-in CIS2 and NHS login on any free ports: PORT+1 and PORT+2 may be taken when servers start side by side.
  JOINERY_STAND_IN_CIS2_PORT: '0', JOINERY_STAND_IN_NHS_LOGIN_PORT: '0',
});

/** Starts a process and collects its output; `exited` resolves with its exit code. */
function start(command: string, args: string[], port?: number, cwd = ROOT) {
  const child = spawn(command, args, { cwd, env: env(port), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => void (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function joinery(...args: string[]) {
  return joineryIn(ROOT, ...args);
}

/** Runs joinery from another working folder (its file arguments are relative to that folder, not the server's). */
async function joineryIn(cwd: string, ...args: string[]) {
  const p = start('node', [path.join(ROOT, 'bin/joinery.js'), ...args], undefined, cwd);
  const code = await p.exited;
  return { code, output: p.output() };
}

async function startServer(how: 'node' | 'npm' = 'node') {
  const port = await freePort();
  const p = how === 'node' ? start('node', ['bin/joinery.js', 'serve'], port) : start('npm', ['start'], port);
  for (let waited = 0; !p.output().includes('Joinery is running'); waited += 250) {
    if (p.child.exitCode !== null || waited > 150_000) throw new Error(`The server did not start:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ...p, base: `http://127.0.0.1:${port}` };
}

const lockFile = path.join(dataDir, 'joinery.lock');
const lockPid = () => (JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number }).pid;
const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function token(base: string, client: { client_id: string; client_secret: string }) {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString(),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string } };
}

const patients = (base: string, accessToken: string) =>
  fetch(`${base}/fhir/R4/Patient?_count=1`, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.status);

describe('joinery serve owns its embedded data folder', { timeout: 600_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: { client_id: string; client_secret: string };

  it('a second server on the same folder is refused, naming the process that holds it', async () => {
    server = await startServer();
    const second = await joinery('serve');
    expect(second.code).toBe(1);
    expect(second.output).toContain(`in use by process ${server.child.pid} (joinery serve`);
  });

  it('client add, run as another process while serving, gives a client that gets a token at once', async () => {
    const added = await joinery('client', 'add', '--name', 'Riverside feed', '--scopes', 'system/*.rs');
    expect(added.code).toBe(0);
    client = JSON.parse(added.output.trim().split('\n').at(-1)!);
    const issued = await token(server.base, client);
    expect(issued.status).toBe(200);
    expect(await patients(server.base, issued.body.access_token!)).toBe(200);
  });

  it('migrate, indicators and import run in the server while it serves, with files found from the caller\'s folder', async () => {
    expect(await joinery('migrate')).toMatchObject({ code: 0, output: expect.stringMatching(/Migrated pglite database to \d{4}_/) });
    expect(await joinery('indicators')).toMatchObject({ code: 0, output: expect.stringContaining('ed-attendances') });
    const caller = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-caller-'));
    fs.mkdirSync(path.join(caller, 'nothing-yet'));
    const imported = await joineryIn(caller, 'import', 'fhir', 'nothing-yet');
    expect(imported.output).toContain('from 0 files');
    expect(await joineryIn(caller, 'import', 'fhir', 'not-there')).toMatchObject({ code: 2, output: expect.stringContaining(`No such file or folder: ${path.join(caller, 'not-there')}`) });
    fs.rmSync(caller, { recursive: true, force: true });
  });

  it('client list, rotate and revoke work while serving; the old secret and a revoked client\'s tokens stop at once', async () => {
    const listed = await joinery('client', 'list');
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(new RegExp(`${client.client_id}\\s+Riverside feed\\s+system/\\*\\.rs\\s+whole ICS\\s+active`));

    const before = (await token(server.base, client)).body.access_token!;
    const rotated = await joinery('client', 'rotate', client.client_id);
    expect(rotated.code).toBe(0);
    const renewed = JSON.parse(rotated.output.trim().split('\n').at(-1)!) as typeof client;
    expect(renewed.client_id).toBe(client.client_id);
    expect(await patients(server.base, before)).toBe(401);
    expect((await token(server.base, client)).status).toBe(401);
    const fresh = await token(server.base, renewed);
    expect(fresh.status).toBe(200);
    expect(await patients(server.base, fresh.body.access_token!)).toBe(200);

    const revoked = await joinery('client', 'revoke', client.client_id);
    expect(revoked).toMatchObject({ code: 0, output: expect.stringContaining('Revoked Riverside feed') });
    expect(await patients(server.base, fresh.body.access_token!)).toBe(401);
    expect((await token(server.base, renewed)).status).toBe(401);
    expect((await joinery('client', 'list')).output).toMatch(/Riverside feed .* revoked \d{4}-\d\d-\d\d/);
    expect(await joinery('client', 'revoke', client.client_id)).toMatchObject({ code: 1, output: expect.stringContaining('was revoked on') });
    expect(await joinery('client', 'rotate', '00000000-0000-0000-0000-000000000000')).toMatchObject({ code: 1, output: expect.stringContaining('There is no FHIR client') });
  });

  it('a backup asked for while serving is made by the server; a restore into the served folder is refused', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-serve-backup-')), 'backup.sql');
    const made = await joinery('backup', file);
    expect(made).toMatchObject({ code: 0, output: expect.stringContaining(`Backed up`) });
    expect(fs.readFileSync(file, 'utf8')).toContain('Riverside feed');
    const refused = await joinery('restore', file, '--replace');
    expect(refused).toMatchObject({ code: 1, output: expect.stringContaining(`Joinery is serving ${dataDir} (process ${server.child.pid}): stop it before restoring`) });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('SIGTERM stops the server cleanly and frees the folder; after a restart the clients are still there', async () => {
    const second = await joinery('client', 'add', '--name', 'Hillside feed', '--scopes', 'system/Patient.rs');
    client = JSON.parse(second.output.trim().split('\n').at(-1)!);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('Joinery stopped.');
    expect(fs.existsSync(lockFile)).toBe(false);

    server = await startServer();
    expect((await token(server.base, client)).status).toBe(200);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('stopping npm start stops the server process too and frees the folder', async () => {
    const npm = await startServer('npm');
    const pid = lockPid();
    expect(pid).not.toBe(npm.child.pid);
    npm.child.kill('SIGTERM');
    await npm.exited;
    for (let waited = 0; running(pid) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(running(pid)).toBe(false);
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});
