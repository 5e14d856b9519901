// Microsoft Remote Desktop / Windows App for iOS and iPadOS.
import { fact } from '../profile.js';
import { microsoftRdApp } from './ms-rd-apps.js';

export const RD_IOS = microsoftRdApp({
  id: 'rd-ios',
  name: 'Windows App / Microsoft Remote Desktop for iOS and iPadOS',
  population: fact('On-call staff and executives connecting from iPhones and iPads', {
    kind: 'inference',
    text: 'The iOS client Microsoft lists under "Remote Desktop clients" (Microsoft Learn).',
    url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/remote-desktop-clients',
  }),
  severity: 'medium',
  why: 'usually a secondary way in (on-call, travel), but sometimes the only one.',
});
