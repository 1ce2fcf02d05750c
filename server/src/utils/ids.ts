import crypto from 'node:crypto';
import os from 'node:os';

/**
 * A documentId for rows written below the Document Service (db.query), which makes none itself:
 * 24 hex characters, the same length as Strapi's own.
 */
export const newDocumentId = () => crypto.randomBytes(12).toString('hex');

/** Names this process in lease columns: host and pid for a person reading them, random bytes so a restart is a new owner. */
export const instanceOwnerId = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
