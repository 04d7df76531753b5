import { CartLinkSecretApi } from '../../credentials/CartLinkSecretApi.credentials';
import { AddToAutoresponderList } from '../../nodes/AddToAutoresponderList/AddToAutoresponderList.node';
import { MIN_SECRET_LENGTH } from '../../nodes/shared/secrets';

const credential = new CartLinkSecretApi();

describe('Cart Link Secret API credential', () => {
	it('is the credential type Add to Autoresponder List asks for, only while Signed Recovery Link is on', () => {
		expect(credential.name).toBe('cartLinkSecretApi');
		expect(credential.displayName).toBe('Cart Link Secret API');
		const asked = new AddToAutoresponderList().description.credentials?.find((entry) => entry.name === credential.name);
		expect(asked).toEqual({
			name: 'cartLinkSecretApi',
			required: true,
			testedBy: 'cartLinkSecretStrength',
			displayOptions: { show: { operation: ['addContact'], 'options.signedRecoveryLink': [true] } },
		});
	});

	it('holds one required secret, masked in the editor, and asks for at least the length the link signing checks', () => {
		expect(credential.properties).toHaveLength(1);
		expect(credential.properties[0]).toMatchObject({ name: 'secret', type: 'string', required: true, default: '', typeOptions: { password: true } });
		expect(credential.properties[0].description).toContain(`At least ${MIN_SECRET_LENGTH} random characters`);
	});

	it('points to the README part that explains the signed link', () => {
		expect(credential.documentationUrl).toMatch(/#signed-recovery-link$/);
	});
});
