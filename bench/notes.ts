/** Text for RESULTS.md that the figures alone do not say: how each part is measured, and what bounds a miss. */

export const METHOD_NOTES = `## How each part is measured

- **1. Filter throughput.** Each measured run is its own process on the provisioned n8n 2.41.1 (Node 24): n8n-core,
  n8n-workflow and n8n-nodes-base are loaded from \`.cache/n8n-2.41.1\` (bench/host/provisioned-n8n.cjs), the package's
  nodes from source through the test harness's loader, and the workflow runs through \`WorkflowExecute\` in mode
  \`trigger\`. Each process warms up on 2,000 carts, then times one execution. (a) is the Abandoned Cart Filter with
  its default parameters ("n8n Remembers", empty memory). (b) is an If node (v2.2) with the four conditions as
  expressions (\`updated_at\` before \`$now.minus({ minutes: 60 })\`, \`completed_at\` empty, \`email\` not empty,
  \`total\` > 0), then a Code node (v2, JavaScript, run once for all items) that routes the rest (purchase status,
  consent, items, give-up window, one reminder per shopper) — **(b) does less than (a)**: no reason codes, no
  quiet hours, no memory of sent reminders, no date-format handling. The Code node runs in n8n's own JavaScript task
  runner, started the way \`n8n start\` starts it (TaskRunnerModule: task broker + an internal runner process), so its
  cost includes what a real n8n 2.x pays: sending the items to the runner and back. If expressions are evaluated by
  n8n's legacy expression engine (the default \`vm\` engine needs isolated-vm, which is not built on this machine).
  Peak memory is VmHWM of the process (and of the task runner process for (b)), including the generated carts.
- **2. Constant Contact cost.** The stand-in runs with Constant Contact's limits (4 requests/s per application,
  10,000 requests/day). (a) runs through the test harness (n8n-core's WorkflowExecute with the real OAuth2 request
  path); from 50 items the node uses bulk import and activities. (b) runs n8n's HTTP Request node (v4.2) from the
  provisioned n8n with the same credential type (\`predefinedCredentialType\` constantContactOAuth2Api), one
  \`POST /contacts/sign_up_form\` per shopper, with HTTP Request's batching at 1 item per 250 ms (the best a careful
  user can do at 4 requests/s; without it nearly every request is a 429) and "On Error: Continue", so 429s are
  counted, not fatal. Requests, quota and 429s are read from the stand-in's request log; "quota used" counts the
  /v3 requests the daily quota charged.
- **3. Reminder memory.** One process fills the filter's own \`RememberedReminders\` with one (cart, step 1) per
  remembered cart (each with its shopper entry, as Mark Reminders Sent records them), half of the run's carts among
  them; heap is measured after two forced GCs, JSON is the static data as n8n stores it. Then Decide runs (default
  rules, Max Remembered Carts raised to the entry count) go through \`WorkflowExecute\` with that static data.
- **4. PostgreSQL template.** The e2e harness's functions (test/e2e): provisioned n8n 2.41.1, the packed package
  installed into \`.n8n/nodes\` as users install it, the OAuth authorization-code dance against the stand-in, a
  throw-away PostgreSQL schema, the template with a Manual Trigger added, \`n8n execute\`. "Trigger to last contact"
  is n8n's \`startedAt\` of the execution to the stand-in's time of the last automation entry on the list.`;

export const FINDINGS = `## What bounds the figures

(Filled in from the latest full run.)`;
