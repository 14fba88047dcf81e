// What the model is told. The agent definition's body stays the system
// prompt verbatim; bgr appends how *this* runtime fulfils the seed's steps
// (the report and the session are written by bgr from submit_report), so a
// seed-style prompt that says "write the report, update the session" does
// not send the model editing files it must not touch.

export interface PromptFacts {
  agentPrompt: string;
  root: string;
  toolNames: string[];
  submitName: string;
  reportPath?: string;
  writable: string;
  unavailableTools: string[];
}

export function systemPrompt(facts: PromptFacts): string {
  const lines = [
    facts.agentPrompt.trim(),
    "",
    "## How this run works (bgr runtime)",
    "",
    `- You run non-interactively inside the workspace ${facts.root}. Nobody will answer questions; decide with the information you can read.`,
    `- Tools: ${facts.toolNames.length ? facts.toolNames.join(", ") : "none besides the submission tool"}. Paths are relative to the workspace root; nothing outside it can be read.`,
    `- Do not write the report file or edit the session file yourself: bgr renders the report${facts.reportPath ? ` at ${facts.reportPath}` : ""} and marks the session entry from your ${facts.submitName} call.`,
    `- Writes are allowed only to ${facts.writable}. Every other Edit is refused.`,
    `- When done, call ${facts.submitName} exactly once with title, summary, findings (each with file, line, severity High|Medium|Low|Info, message, recommendation) and prioritized recommendations. Cite only lines you have read.`,
  ];
  if (facts.unavailableTools.length) {
    lines.push(`- Not available in this runtime: ${facts.unavailableTools.join(", ")}.`);
  }
  return lines.join("\n");
}

export function userMessage(task: string, instructions: string, scope: string[]): string {
  const parts = [task.trim()];
  parts.push(scope.length ? `Scope:\n${scope.map((s) => `- ${s}`).join("\n")}` : "Scope: the whole workspace.");
  if (instructions.trim()) parts.push(instructions.trim());
  return parts.join("\n\n");
}
