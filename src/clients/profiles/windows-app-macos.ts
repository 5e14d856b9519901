// Windows App for macOS (formerly Microsoft Remote Desktop for Mac).
import { fact } from '../profile.js';
import { microsoftRdApp } from './ms-rd-apps.js';

export const WINDOWS_APP_MACOS = microsoftRdApp({
  id: 'windows-app-macos',
  name: 'Windows App / Microsoft Remote Desktop for macOS',
  population: fact('Administrators and staff on Macs: the Microsoft client for macOS', {
    kind: 'inference',
    text: 'The macOS client Microsoft lists under "Remote Desktop clients" (Microsoft Learn); renamed Windows App in 2024.',
    url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/remote-desktop-clients',
  }),
  severity: 'high',
  why: 'Mac users have no other Microsoft client; in many organisations that includes administrators.',
});
