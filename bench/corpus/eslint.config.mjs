// ESLint as the JS/TS peer in bench/security.mjs: eslint-plugin-security's
// recommended rules only (the security findings are what is compared), and
// typescript-eslint's parser for TypeScript without type information, the
// way the plugin is usually run in CI.
import security from "eslint-plugin-security";
import tseslint from "typescript-eslint";

export default [
  {
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module" },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
  },
  {
    files: ["**/*.{ts,mts,cts,tsx}"],
    languageOptions: { parser: tseslint.parser, sourceType: "module" },
  },
  { ...security.configs.recommended, files: ["**/*.{js,mjs,cjs,ts,mts,cts,tsx}"] },
  { linterOptions: { reportUnusedDisableDirectives: "off" } },
];
