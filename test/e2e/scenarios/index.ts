/** Every end-to-end scenario, in the order the runner runs them on each n8n version. */
import type { Scenario } from '../scenario';
import { credentialHttp, tokenExpiry } from './credential';
import { editorConnect } from './editor';
import { postgresTemplateCli } from './postgres-cli';
import { productionMode } from './production';

export const scenarios: Scenario[] = [editorConnect, credentialHttp, tokenExpiry, postgresTemplateCli, productionMode];
