/**
 * "Detect settings" (POST /email-server/servers/detect): what was found for an address, proposed
 * for review in the form. Nothing is saved.
 */
import type { EmailServerInput } from './servers';

export const DETECT_SOURCES = ['preset', 'srv', 'autoconfig'] as const;
export type DetectSource = (typeof DETECT_SOURCES)[number];

export interface DetectRequest {
  email: string;
}

export interface DetectResult {
  /** Where the settings came from; null when nothing was found. */
  source: DetectSource | null;
  /** The matched preset (by the address's domain or its MX hosts), when source is 'preset'. */
  presetId?: string;
  /** The proposed form values (hosts, ports, security, auth method, usernames). */
  settings: Partial<EmailServerInput>;
  /** Sentences for a person: what matched, what to do next, which lookups failed or timed out. */
  notes: string[];
}
