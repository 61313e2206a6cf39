// `pnpm -F @vigil/agent package:deb` (node agent/packaging/deb/build-deb.ts [--out <dir>] [--node <binary>]):
// builds vigil-agent_<version>_<arch>.deb with dpkg-deb — the headless agent as the computer's
// system service (`--system`), with everything it needs so a technician installs no Node or pnpm:
//
//   /opt/vigil-agent/node                       the Node runtime this script runs on (Node 24)
//   /opt/vigil-agent/agent/main.mjs             the bundled agent (+ session-helper.mjs, key-hook child)
//   /opt/vigil-agent/agent/node_modules/        the npm packages the bundle leaves external, with their
//                                               prebuilt native binaries for this platform
//   /opt/vigil-agent/lib/postinst-enrol.mjs     postinst's enrolment step (postinst-enrol.ts)
//   /lib/systemd/system/vigil-agent.service     agent/build/linux/vigil-agent.service, paths adjusted
//
// Maintainer scripts are in this folder (postinst, prerm, postrm). See agent/README.md,
// "Installing on Linux (.deb)".
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build } from 'esbuild';
import { buildHeadlessAgent } from '../../src/headless/build.ts';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const AGENT_DIR = join(HERE, '..', '..');
export const PACKAGE_NAME = 'vigil-agent';
export const INSTALL_ROOT = '/opt/vigil-agent';
export const UNIT_PATH = '/lib/systemd/system/vigil-agent.service';

const DEB_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64' };

/** The packaged unit: the source unit's ExecStart pointed at the packaged Node and bundle. */
export function packagedUnit(source: string): string {
  const swaps: [string, string][] = [
    ['ExecStart=/usr/bin/node ', `ExecStart=${INSTALL_ROOT}/node `],
    [' /opt/vigil/agent/dist/headless/main.mjs ', ` ${INSTALL_ROOT}/agent/main.mjs `],
  ];
  let unit = source;
  for (const [from, to] of swaps) {
    if (!unit.includes(from)) throw new Error(`build-deb: agent/build/linux/vigil-agent.service no longer contains "${from.trim()}": update packagedUnit()`);
    unit = unit.replace(from, to);
  }
  return `# Installed by the ${PACKAGE_NAME} package (agent/packaging/deb).\n${unit}`;
}

/** Folder of an installed npm package as Node would find it from `fromDir`, following pnpm's links. */
async function findPackage(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    try {
      if ((await stat(join(candidate, 'package.json'))).isFile()) return await realpath(candidate);
    } catch {
      // Not here: look one folder up.
    }
    if (dirname(dir) === dir) return undefined;
  }
}

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Build tools that packages list as (optional) dependencies but never load on Linux: get-windows
 * names node-gyp and node-pre-gyp for its Windows addon, node-addon-api is C++ headers.
 */
const BUILD_ONLY = new Set(['node-gyp', '@mapbox/node-pre-gyp', 'node-addon-api']);

/**
 * Copies `names` and everything they depend on (optional ones when installed: the prebuilt
 * binaries for this platform) into `dest/node_modules`, flat; a second version of a name
 * goes into its dependent's own node_modules, as npm would.
 */
async function copyDependencies(names: readonly string[], fromDir: string, dest: string): Promise<number> {
  const placed = new Map<string, string>();
  let count = 0;
  const visit = async (name: string, from: string, parentOut: string, optional: boolean): Promise<void> => {
    if (BUILD_ONLY.has(name)) return;
    const source = await findPackage(name, from);
    if (source === undefined) {
      if (optional) return;
      throw new Error(`build-deb: ${name} is not installed (run pnpm install)`);
    }
    const flat = placed.get(name);
    if (flat === source) return;
    const out = flat === undefined ? join(dest, 'node_modules', name) : join(parentOut, 'node_modules', name);
    if (flat === undefined) placed.set(name, source);
    await cp(source, out, { recursive: true, dereference: true, filter: (path) => !relative(source, path).split('/').includes('node_modules') });
    count += 1;
    const pkg = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as PackageJson;
    for (const dep of Object.keys(pkg.dependencies ?? {})) await visit(dep, source, out, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) await visit(dep, source, out, true);
  };
  for (const name of names) await visit(name, AGENT_DIR, dest, false);
  return count;
}

/** Every file and folder under `root`, depth first. */
async function walk(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...(await walk(root, path)));
  }
  return out;
}

/** Debian's usual modes (0755 folders and executables, 0644 the rest) and the md5sums file. */
async function normaliseTree(stage: string): Promise<{ md5sums: string; installedKiB: number }> {
  const lines: string[] = [];
  let bytes = 0;
  for (const path of (await walk(stage)).sort()) {
    const rel = relative(stage, path);
    if (rel === 'DEBIAN' || rel.startsWith('DEBIAN/')) continue;
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    if (info.isDirectory()) {
      await chmod(path, 0o755);
      continue;
    }
    await chmod(path, (info.mode & 0o111) !== 0 ? 0o755 : 0o644);
    bytes += info.size;
    lines.push(
      `${createHash('md5')
        .update(await readFile(path))
        .digest('hex')}  ${rel}`,
    );
  }
  return { md5sums: `${lines.join('\n')}\n`, installedKiB: Math.ceil(bytes / 1024) };
}

export interface DebBuild {
  file: string;
  version: string;
  arch: string;
  bytes: number;
}

export async function buildDeb(options: { outDir: string; nodeBinary?: string }): Promise<DebBuild> {
  const arch = DEB_ARCH[process.arch];
  if (process.platform !== 'linux' || arch === undefined)
    throw new Error(`build-deb: builds on Linux x64 or arm64 only (this is ${process.platform}-${process.arch})`);
  try {
    await run('dpkg-deb', ['--version']);
  } catch {
    throw new Error('build-deb: dpkg-deb is missing (it comes with dpkg: apt-get install dpkg)');
  }
  const agentPkg = JSON.parse(await readFile(join(AGENT_DIR, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const version = agentPkg.version;
  const stage = await mkdtemp(join(tmpdir(), 'vigil-deb-'));
  try {
    const root = join(stage, INSTALL_ROOT);
    const agentOut = join(root, 'agent');
    await buildHeadlessAgent(agentOut);
    // inputs.json names this build machine's source files: launch.mjs's, not needed here.
    await rm(join(agentOut, 'inputs.json'));
    await writeFile(join(agentOut, 'package.json'), `${JSON.stringify({ name: 'vigil-agent-installed', private: true, type: 'module', version })}\n`);
    const externals = Object.keys(agentPkg.dependencies).filter((name) => !name.startsWith('@vigil/'));
    await copyDependencies(externals, AGENT_DIR, agentOut);
    await copyFile(await realpath(options.nodeBinary ?? process.execPath), join(root, 'node'));
    await chmod(join(root, 'node'), 0o755);
    await mkdir(join(root, 'lib'), { recursive: true });
    await build({
      entryPoints: [join(HERE, 'postinst-enrol.ts')],
      outfile: join(root, 'lib', 'postinst-enrol.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      logLevel: 'silent',
    });

    const unitOut = join(stage, UNIT_PATH);
    await mkdir(dirname(unitOut), { recursive: true });
    await writeFile(unitOut, packagedUnit(await readFile(join(AGENT_DIR, 'build', 'linux', 'vigil-agent.service'), 'utf8')));
    const docDir = join(stage, 'usr', 'share', 'doc', PACKAGE_NAME);
    await mkdir(docDir, { recursive: true });
    await copyFile(join(HERE, 'copyright'), join(docDir, 'copyright'));

    const { md5sums, installedKiB } = await normaliseTree(stage);
    const debian = join(stage, 'DEBIAN');
    await mkdir(debian);
    const control = [
      `Package: ${PACKAGE_NAME}`,
      `Version: ${version}`,
      `Architecture: ${arch}`,
      'Maintainer: Vigil contributors <vigil@localhost>',
      `Installed-Size: ${installedKiB}`,
      // Node's own libraries; the X tools the agent calls (xprop/xwininfo, xprintidle).
      'Depends: libc6 (>= 2.28), libstdc++6, libgcc-s1, x11-utils, xprintidle',
      'Recommends: i3lock, libnotify-bin',
      'Section: admin',
      'Priority: optional',
      'Homepage: https://github.com/vigil-safeguarding/vigil',
      'Description: Vigil safeguarding agent for school computers (system service)',
      ' The Vigil agent watches the focused window and what is typed on a school PC,',
      " matches both against the school's safeguarding word lists and reports hits to the",
      " school's Vigil collector. It runs as a root system service holding the device",
      ' identity where pupils cannot read it, with a helper in the signed-in session.',
      ' Monitoring is never hidden: the collector lists every enrolled computer.',
      '',
    ].join('\n');
    await writeFile(join(debian, 'control'), control);
    await writeFile(join(debian, 'md5sums'), md5sums);
    for (const script of ['postinst', 'prerm', 'postrm']) {
      await copyFile(join(HERE, script), join(debian, script));
      await chmod(join(debian, script), 0o755);
    }
    await chmod(debian, 0o755);
    await chmod(join(debian, 'control'), 0o644);
    await chmod(join(debian, 'md5sums'), 0o644);
    await chmod(stage, 0o755);

    await mkdir(options.outDir, { recursive: true });
    const file = join(options.outDir, `${PACKAGE_NAME}_${version}_${arch}.deb`);
    // gzip: a few seconds here; xz would take a minute for ~40 MiB less than twice the size.
    await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, file], { maxBuffer: 16 * 1024 * 1024 });
    return { file, version, arch, bytes: (await stat(file)).size };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, node: { type: 'string' } } });
  const built = await buildDeb({
    outDir: values.out ?? join(AGENT_DIR, 'dist', 'packages'),
    ...(values.node === undefined ? {} : { nodeBinary: values.node }),
  });
  process.stdout.write(`built ${built.file} (${(built.bytes / 1024 / 1024).toFixed(1)} MiB)\n`);
}
