// Which untested code matters most: little coverage, many decision points,
// and a path that handles identity, secrets, money or untrusted input.
// Complexity is a language-agnostic count of decision keywords and operators,
// cheap enough to run on every file of a large report.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

export type SensitiveArea = "auth" | "crypto" | "payments" | "input handling";

const AREAS: Array<[SensitiveArea, RegExp]> = [
  ["auth", /(^|[/_.-])(auth\w*|login|logout|signin|signup|session|sessions|passwords?|passwd|oauth\w*|jwt|tokens?|permissions?|acl|rbac|roles?|sso|saml|credentials?|accounts?)([/_.-]|$)/i],
  ["crypto", /(^|[/_.-])(crypto\w*|cipher|encrypt\w*|decrypt\w*|hash\w*|hmac|signatures?|signing|keys?|keystore|secrets?|certs?|certificates?|tls|ssl|kms|vault)([/_.-]|$)/i],
  ["payments", /(^|[/_.-])(pay\w*|billing|checkout|invoices?|charges?|stripe|braintree|paypal|wallets?|refunds?|subscriptions?|orders?|cart|pricing|ledger|transactions?)([/_.-]|$)/i],
  ["input handling", /(^|[/_.-])(input\w*|validat\w*|sanitiz\w*|parsers?|parse|upload\w*|forms?|handlers?|controllers?|routes?|api|endpoints?|views?|serializ\w*|deserializ\w*|middleware|webhooks?|requests?)([/_.-]|$)/i],
];

export function sensitiveAreas(file: string): SensitiveArea[] {
  const withoutExtension = file.slice(0, file.length - path.posix.extname(file).length);
  return AREAS.filter(([, pattern]) => pattern.test(withoutExtension)).map(([area]) => area);
}

const DECISION = /\b(if|elif|else\s+if|for|foreach|while|case|catch|except|when|guard|unless|until)\b|&&|\|\||\?\?|\?(?=[^.:?])|\band\b|\bor\b/g;
const MAX_COMPLEXITY_BYTES = 2 * 1024 * 1024;

/** Decision points in a source file (1 + branches, summed over the file), or undefined when unreadable. */
export function fileComplexity(absolute: string): number | undefined {
  try {
    if (statSync(absolute).size > MAX_COMPLEXITY_BYTES) return undefined;
    const text = readFileSync(absolute, "utf8");
    let count = 1;
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      // Comment lines say "if" a lot and decide nothing.
      if (line === "" || line.startsWith("//") || line.startsWith("#") || line.startsWith("*") || line.startsWith("/*")) continue;
      const code = line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""');
      count += code.match(DECISION)?.length ?? 0;
    }
    return count;
  } catch {
    return undefined;
  }
}

/**
 * Higher is riskier: the uncovered share, scaled by how much logic the file
 * holds (logarithmically, so one huge file does not drown the rest) and
 * doubled for sensitive areas. 0 when everything is covered.
 */
export function riskScore(uncoveredShare: number, complexity: number, areas: SensitiveArea[]): number {
  const weight = 1 + Math.log2(1 + Math.max(0, complexity));
  return Number((uncoveredShare * weight * (areas.length > 0 ? 2 : 1) * 10).toFixed(2));
}
