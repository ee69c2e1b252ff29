/**
 * Opening the phone's camera: rear camera by default, a chosen one by id, the torch where the
 * camera has one, and why it could not open in words a person can act on. Browser only.
 *
 * facingMode stays a preference, never `exact`: laptops (and Chromium's fake camera) report
 * no facing mode, and `exact` makes them fail with OverconstrainedError.
 */
export type CameraProblem = 'insecure' | 'unsupported' | 'denied' | 'none' | 'busy' | 'failed';

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    message: string
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

/** Cameras need a secure context: on plain-HTTP LAN addresses `navigator.mediaDevices` is undefined. */
export function cameraSupport(): 'ok' | 'insecure' | 'unsupported' {
  if (!window.isSecureContext) return 'insecure';
  // Typed as always there, but absent on insecure pages and in old browsers.
  const devices = navigator.mediaDevices as MediaDevices | undefined;
  return typeof devices?.getUserMedia === 'function' ? 'ok' : 'unsupported';
}

/** 'prompt' also where the browser cannot tell (Safari before 16 has no camera permission query). */
export async function cameraPermission(): Promise<PermissionState> {
  try {
    return (await navigator.permissions.query({ name: 'camera' as PermissionName })).state;
  } catch {
    return 'prompt';
  }
}

export interface OpenCamera {
  stream: MediaStream;
  track: MediaStreamTrack;
  deviceId: string;
  /** Whether this camera has a torch the page can switch. */
  torch: boolean;
  setTorch(on: boolean): Promise<boolean>;
  stop(): void;
}

export async function openCamera(deviceId: string | null): Promise<OpenCamera> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: { ideal: 'environment' } }),
        width: { ideal: 1280 },
        height: { ideal: 720 }
      }
    });
  } catch (e) {
    throw asCameraError(e);
  }
  const track = stream.getVideoTracks()[0];
  const caps = (track.getCapabilities?.() ?? {}) as MediaTrackCapabilities & { torch?: boolean };
  return {
    stream,
    track,
    deviceId: track.getSettings().deviceId ?? '',
    torch: caps.torch === true,
    async setTorch(on) {
      try {
        await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
        return true;
      } catch {
        return false;
      }
    },
    stop: () => stream.getTracks().forEach((t) => t.stop())
  };
}

/** The cameras this device has (labels only after permission was given). */
export async function videoInputs(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  } catch {
    return [];
  }
}

function asCameraError(e: unknown): CameraError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError('denied', 'Camera access was refused.');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError('none', 'This device has no camera the page can use.');
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError('busy', 'The camera is in use by another app, or could not start.');
    default:
      return new CameraError('failed', e instanceof Error ? e.message : 'The camera could not start.');
  }
}
