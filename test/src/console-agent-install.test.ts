// The enrolment page's install lines, in a real browser: built from the collector's PUBLIC_URL
// (a name the PCs reach) and its TLS port, not from the address this browser used (127.0.0.1),
// naming the package the collector really serves from DATA_DIR/downloads.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers } from './support/console-users.ts';
import { createSystemDatabase, type SystemDatabase } from './support/database.ts';
import { CollectorProcess } from './support/system.ts';

const PUBLIC_URL = 'http://vigil.school.test:8080';
const DEB = 'vigil-agent_0.1.0_amd64.deb';

let db: SystemDatabase | undefined;
let collector: CollectorProcess | undefined;
let browser: TestBrowser | undefined;
let users: ConsoleUsers | undefined;

beforeAll(async () => {
  db = await createSystemDatabase();
  collector = await CollectorProcess.create(db.url, { PUBLIC_URL });
  await mkdir(join(collector.dataDir, 'downloads'));
  await writeFile(join(collector.dataDir, 'downloads', DEB), 'a package');
  await collector.start();
  await collector.createEnrolmentToken();
  users = new ConsoleUsers(collector);
  await users.create('tech.install', 'technician');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
  await db?.drop();
});

describe('install lines on the enrolment page', () => {
  it("use PUBLIC_URL and the collector's TLS port, never the browser's address, and name the served package", async () => {
    if (browser === undefined || users === undefined || collector === undefined) throw new Error('set-up failed');
    const { page } = await browser.newPage();
    await users.signIn(page, 'tech.install');
    await page.goto(`${users.baseUrl}/admin/enrolment`);
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByTestId('new-token').innerText({ timeout: 10_000 });
    const deb = await page.getByTestId('install-deb-command').innerText({ timeout: 10_000 });
    expect(deb).toBe(
      `curl -fsSLO ${PUBLIC_URL}/downloads/${DEB} && sudo VIGIL_COLLECTOR=wss://vigil.school.test:${collector.tlsPort} VIGIL_TOKEN=${token} apt install ./${DEB}`,
    );
    expect(await page.getByTestId('install-deb').getAttribute('data-served')).toBe('true');
    const msi = await page.getByTestId('install-msi-command').innerText();
    expect(msi).toContain(`msiexec /i "vigil-agent-<version>.msi" /qn`);
    expect(msi).toContain(`-Collector "wss://vigil.school.test:${collector.tlsPort}" -Token "${token}"`);
    expect(await page.getByTestId('install-msi').getAttribute('data-served')).toBe('false');
    const panel = await page.getByTestId('agent-install-panel').innerText();
    expect(panel).not.toContain('127.0.0.1');
    expect(await page.getByTestId('public-url-missing').count()).toBe(0);
    // The browser extension's policy names the same collector.
    expect(await page.getByTestId('browser-enrolment-panel').innerText()).toContain(`"Value": "https://vigil.school.test:${collector.tlsPort}"`);

    // The line's download is real: the collector serves the file to anyone, signed in or not.
    const download = await fetch(`${users.baseUrl}/downloads/${DEB}`);
    expect([download.status, await download.text()]).toEqual([200, 'a package']);
  });
});
