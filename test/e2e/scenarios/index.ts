/** Every end-to-end scenario, in the order the runner runs them on each n8n version. */
import type { Scenario } from '../scenario';
import { cartEventsWebhook } from './cart-events-webhook';
import { credentialHttp, tokenExpiry } from './credential';
import { dataPreservation } from './data-preservation';
import { editorConnect } from './editor';
import { mysqlTemplateCli } from './mysql-cli';
import { postgresTemplateCli } from './postgres-cli';
import { productionMode } from './production';
import { threeStepCli } from './three-step-cli';
import { queueMode, queueSharedRateLimit } from './queue';
import { queueExactlyOnce } from './queue-exactly-once';
import { rateLimitRetry } from './rate-limit';
import { readinessWait } from './readiness';
import { recoveryReportPage } from './recovery-report';
import { reliabilityConcurrentRefresh, reliabilityCrash, reliabilityFaults } from './reliability';
import { signedWebhooks, webhookFlood } from './signed-webhooks';

export const scenarios: Scenario[] = [readinessWait, editorConnect, credentialHttp, tokenExpiry, postgresTemplateCli, rateLimitRetry, productionMode, queueMode, queueExactlyOnce, queueSharedRateLimit, mysqlTemplateCli, threeStepCli, cartEventsWebhook, recoveryReportPage, signedWebhooks, webhookFlood, reliabilityFaults, reliabilityCrash, reliabilityConcurrentRefresh, dataPreservation];
