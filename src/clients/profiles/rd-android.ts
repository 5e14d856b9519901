// Microsoft Remote Desktop / Windows App for Android.
import { fact } from '../profile.js';
import { microsoftRdApp } from './ms-rd-apps.js';

export const RD_ANDROID = microsoftRdApp({
  id: 'rd-android',
  name: 'Windows App / Microsoft Remote Desktop for Android',
  population: fact('On-call staff on Android phones and tablets; Android-based thin clients', {
    kind: 'inference',
    text: 'The Android client Microsoft lists under "Remote Desktop clients" (Microsoft Learn).',
    url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/remote-desktop-clients',
  }),
  severity: 'medium',
  why: 'usually a secondary way in (on-call, travel), but sometimes the only one.',
});
