// The package's root and version, found once from this module's location so
// that reports, SARIF and `bgr --version` agree, from src/ or from dist/.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

function findPackage(): { root: string; version: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      if (pkg.name === "bgr") return { root: dir, version: String(pkg.version) };
    } catch {
      // not here: keep climbing
    }
    dir = path.dirname(dir);
  }
  throw new Error("bgr: cannot find its own package.json: reinstall the package");
}

const found = findPackage();
export const VERSION: string = found.version;
/** Absolute path of the installed package (where rules/ and agents/ live). */
export const PACKAGE_ROOT: string = found.root;
