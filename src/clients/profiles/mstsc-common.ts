// Facts shared by the mstsc (Remote Desktop Connection) profiles of every Windows release.

import { fact, type ClientProfile } from '../profile.js';
import { MSTSC_NLA_FALLBACK, MSTSC_STANDARD_SECURITY, RDP_FILE_SETTINGS_AUTH_LEVEL } from '../sources.js';

export const MSTSC_STANDARD_RDP_SECURITY: ClientProfile['standard_rdp_security'] = {
  supported: fact(true, MSTSC_STANDARD_SECURITY),
  encryption_methods: fact(['40bit', '128bit', '56bit', 'fips'], MSTSC_STANDARD_SECURITY),
};

export const MSTSC_INSISTS_ON_NLA: ClientProfile['insists_on_nla'] = fact(false, MSTSC_NLA_FALLBACK);

export const MSTSC_CERTIFICATE_HANDLING: ClientProfile['certificate_handling'] = {
  untrusted: fact('warn', RDP_FILE_SETTINGS_AUTH_LEVEL),
  expired: fact('warn', RDP_FILE_SETTINGS_AUTH_LEVEL),
  name_mismatch: fact('warn', RDP_FILE_SETTINGS_AUTH_LEVEL),
};
