import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FullConfig } from '@playwright/test';

/**
 * Starts a fresh Kakehashi for this run: a temp data directory, `kakehashi seed --demo`,
 * then `kakehashi serve` on a free port (KAKEHASHI_ADDR=127.0.0.1:0). The URL goes to the
 * tests through process.env.KAKEHASHI_BASE_URL (workers inherit the runner's env). The
 * returned function is the global teardown: it stops the server and removes the data.
 * The server's output is kept in test-results/server.log.
 */

const repo = path.resolve(__dirname, '..');
// `make e2e` passes the debug server the integration tests already built (KAKEHASHI_BIN);
// run by hand, the release build is the default.
const binary = process.env.KAKEHASHI_BIN
  ? path.resolve(repo, process.env.KAKEHASHI_BIN)
  : path.join(repo, 'target', 'release', 'kakehashi');
const siteRoot = path.join(repo, 'target', 'site');
const LISTENING = /Kakehashi is listening on (http:\/\/[^\s]+)/;
const START_TIMEOUT_MS = 60_000;

function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<string>((resolve, reject) => {
    execFile(file, args, { ...options, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    const force = setTimeout(() => server.kill('SIGKILL'), 5_000);
    server.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    // `serve` shuts down gracefully on Ctrl-C.
    server.kill('SIGINT');
  });
}

async function waitHealthy(baseURL: string, server: ChildProcess) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`kakehashi serve exited with ${server.exitCode}`);
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${baseURL}/healthz did not answer 200 (${last})`);
}

export default async function globalSetup(config: FullConfig) {
  for (const needed of [binary, path.join(siteRoot, 'pkg')]) {
    if (!fs.existsSync(needed)) {
      throw new Error(`${needed} is missing: build it first (make build, or cargo xtask site and cargo build -p server).`);
    }
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kakehashi-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAKEHASHI_DATA_DIR: dataDir,
    KAKEHASHI_ADDR: '127.0.0.1:0',
    LEPTOS_SITE_ROOT: siteRoot,
    LEPTOS_OUTPUT_NAME: 'kakehashi',
    RUST_LOG: 'warn',
  };
  delete env.DATABASE_URL;

  await run(binary, ['seed', '--demo'], { cwd: repo, env });

  const logPath = path.join(dataDir, 'server.log');
  const log = fs.createWriteStream(logPath);
  const server = spawn(binary, ['serve'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);

  let baseURL: string;
  try {
    baseURL = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`kakehashi serve did not print its address within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      server.stdout!.on('data', (chunk: Buffer) => {
        log.write(chunk);
        buffered += chunk.toString();
        const match = LISTENING.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      });
      server.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
      server.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      server.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`kakehashi serve exited (${code ?? signal}) before listening; see ${logPath}`));
      });
    });
    await waitHealthy(baseURL, server);
  } catch (error) {
    await stop(server);
    log.end();
    process.stderr.write(fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '');
    throw error;
  }

  process.env.KAKEHASHI_BASE_URL = baseURL;
  process.env.KAKEHASHI_E2E_DATA_DIR = dataDir;
  console.log(`Kakehashi under test: ${baseURL} (data in ${dataDir})`);

  return async () => {
    await stop(server);
    process.removeListener('exit', killOnExit);
    await new Promise<void>((resolve) => log.end(resolve));
    const outputDir = config.projects[0]?.outputDir ?? path.join(__dirname, 'test-results');
    try {
      fs.mkdirSync(outputDir, { recursive: true });
      fs.copyFileSync(logPath, path.join(outputDir, 'server.log'));
    } catch {
      // The log is a convenience; never fail the run over it.
    }
    if (!process.env.KAKEHASHI_E2E_KEEP_DATA) {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
