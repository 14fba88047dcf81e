// `bgr spawn` runs from the build's bundle only while it is as new as the
// compiled modules: a `tsc` after `npm run build` must not leave spawn on older code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const DIST_SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

async function copyOfBuild(): Promise<{ root: string; main: string; bundle: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "bgr-bundle-"));
  await cp(DIST_SRC, path.join(root, "dist/src"), { recursive: true, filter: (source) => !source.endsWith("spawn.bundle.mjs") });
  await symlink(path.join(PACKAGE_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  await cp(path.join(PACKAGE_ROOT, "package.json"), path.join(root, "package.json"));
  const cli = path.join(root, "dist/src/cli");
  return { root, main: path.join(cli, "main.js"), bundle: path.join(cli, "spawn.bundle.mjs") };
}

async function spawnHelp(main: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [main, "spawn", "--help"]);
  return stdout;
}

test("a bundle older than the compiled spawn entry is ignored; a fresh one is used", async () => {
  const { root, main, bundle } = await copyOfBuild();
  try {
    await writeFile(bundle, 'process.stdout.write("from the bundle\\n");\n');
    const old = new Date(Date.now() - 60_000);
    await utimes(bundle, old, old);
    assert.match(await spawnHelp(main), /Usage: bgr spawn/);

    const later = new Date(Date.now() + 60_000);
    await utimes(bundle, later, later);
    assert.equal(await spawnHelp(main), "from the bundle\n");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
