import type { ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

/** Shorter secrets can be guessed offline from one signed value; 32 random characters are out of reach. */
export const MIN_SECRET_LENGTH = 32;

/** Why a secret is too weak to sign with, or undefined when it is fine. */
export function secretProblem(secret: unknown): string | undefined {
	if (typeof secret !== 'string' || secret.length === 0) return 'The signing secret is empty.';
	if (secret.length < MIN_SECRET_LENGTH) return `The signing secret has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} random characters.`;
	return undefined;
}

/** The editor's credential test for a signing secret: nothing is sent anywhere, so only its strength is checked. */
export async function testSecretStrength(credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const problem = secretProblem(credential.data?.secret);
	return problem ? { status: 'Error', message: problem } : { status: 'OK', message: 'The secret is long enough to sign with.' };
}
