/** Shorter secrets can be guessed offline from one signed value; 32 random characters are out of reach. */
export const MIN_SECRET_LENGTH = 32;
