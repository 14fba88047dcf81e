// `bgr spawn` and the other commands run from the build's bundles only while
// they are as new as the compiled modules: a `tsc` after `npm run build` must
// not leave bgr on older code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const DIST_SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

async function copyOfBuild(entry: string): Promise<{ root: string; main: string; bundle: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "bgr-bundle-"));
  await cp(DIST_SRC, path.join(root, "dist/src"), { recursive: true, filter: (source) => !/[\\/]bundle([\\/]|$)/.test(source) });
  await symlink(path.join(PACKAGE_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  await cp(path.join(PACKAGE_ROOT, "package.json"), path.join(root, "package.json"));
  await mkdir(path.join(root, "dist/src/bundle"));
  return { root, main: path.join(root, "dist/src/cli/main.js"), bundle: path.join(root, "dist/src/bundle", entry) };
}

async function help(main: string, command: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [main, command, "--help"]);
  return stdout;
}

for (const [command, entry] of [["spawn", "spawn.cjs"], ["audit", "audit.cjs"], ["status", "cli.cjs"]] as const) {
  test(`a bundle older than the compiled modules is ignored; a fresh one is used (bgr ${command})`, async () => {
    const { root, main, bundle } = await copyOfBuild(entry);
    try {
      await writeFile(bundle, 'process.stdout.write("from the bundle\\n");\n');
      const old = new Date(Date.now() - 60_000);
      await utimes(bundle, old, old);
      assert.match(await help(main, command), new RegExp(`Usage: bgr ${command}`));

      const later = new Date(Date.now() + 60_000);
      await utimes(bundle, later, later);
      assert.equal(await help(main, command), "from the bundle\n");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
}

test("the bin, main.cjs, runs its bundled launcher, or main.js when a later tsc left that newer", async () => {
  const { root, main } = await copyOfBuild("spawn.cjs");
  const bin = path.join(path.dirname(main), "main.cjs");
  try {
    const version = async () => (await promisify(execFile)(process.execPath, [bin, "--version"])).stdout;
    await writeFile(main, 'process.stdout.write("from main.js\\n");\n');
    const old = new Date(Date.now() - 60_000);
    await utimes(main, old, old);
    assert.match(await version(), /^\d+\.\d+\.\d+\n$/);
    const later = new Date(Date.now() + 60_000);
    await utimes(main, later, later);
    assert.equal(await version(), "from main.js\n");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
