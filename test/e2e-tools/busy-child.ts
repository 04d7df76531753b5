/** Fixture for readiness.test.ts: starts busy processes, prints their pids, then ends as the first argument says. */
import { startBusyProcesses } from '../e2e/stress';

const busy = startBusyProcesses(1, 60);
console.log(JSON.stringify(busy.pids));
const how = process.argv[2];
if (how === 'throw') setTimeout(() => {
	throw new Error('a failing run');
}, 100);
else setInterval(() => undefined, 1000); // waits to be killed
