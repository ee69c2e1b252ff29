/**
 * The scanner's camera as state a component renders: starts by itself when the browser
 * already allows the camera (a start button otherwise), switches cameras, drives the torch,
 * lets go of the camera while the page is hidden (phone locked, other app) and takes it back
 * when it returns. Decoded codes go to `onCodes` frame by frame; `detections` holds the
 * codes of the latest decoded frame, with their corners, for the outline on the video.
 *
 * Browser only: load it with `await import()` from onMount (a Worker cannot be made during
 * server rendering).
 */
import ScanWorker from '../qr/scan.worker?worker';
import type { Corners } from '../qr/decoder';
import { cameraPermission, cameraSupport, CameraError, openCamera, videoInputs, type CameraProblem, type OpenCamera } from './camera';
import { FramePump, type DecoderState } from './frame-pump';

export type CameraStatus = 'idle' | 'starting' | 'live' | 'paused' | CameraProblem;

export interface Detection {
	text: string;
	corners: Corners;
}

const DEVICE_KEY = 'kanbridge:scanner:camera';

export class CameraController {
	status = $state<CameraStatus>('idle');
	/** Why the camera is not running, in words (empty while it runs). */
	problem = $state('');
	decoder = $state<DecoderState>('loading');
	torch = $state<'none' | 'off' | 'on'>('none');
	/** How many cameras there are to switch between. */
	cameras = $state(0);
	detections = $state.raw<Detection[]>([]);
	/** The decoded frames' size: the coordinates of `detections`. */
	frame = $state.raw({ width: 0, height: 0 });

	readonly #video: HTMLVideoElement;
	readonly #pump: FramePump;
	#camera: OpenCamera | null = null;
	#resumeOnShow = false;
	#starting: Promise<void> | null = null;
	readonly #onVisibility = () => this.#visibility();

	constructor(video: HTMLVideoElement, onCodes: (texts: string[]) => void) {
		this.#video = video;
		// The worker first, so the decoder's wasm downloads and compiles while the camera opens.
		this.#pump = new FramePump(new ScanWorker(), {
			onDecoder: (state) => (this.decoder = state),
			onResult: ({ results, width, height }) => {
				if (this.status !== 'live') return;
				if (width !== this.frame.width || height !== this.frame.height) this.frame = { width, height };
				if (results.length || this.detections.length) this.detections = results.map((r) => ({ text: r.text, corners: r.corners }));
				if (results.length) onCodes(results.map((r) => r.text));
			}
		});
		document.addEventListener('visibilitychange', this.#onVisibility);
	}

	/** Decides how to begin: a reason the camera cannot run, a start button, or the camera itself. */
	async boot(): Promise<void> {
		const support = cameraSupport();
		if (support !== 'ok')
			return this.#fail(
				new CameraError(support, support === 'insecure' ? 'Cameras only work on https pages.' : 'This browser cannot open the camera.')
			);
		const permission = await cameraPermission();
		if (permission === 'granted') return this.start();
		if (permission === 'denied') this.#fail(new CameraError('denied', 'Camera access is blocked for this site.'));
	}

	start(): Promise<void> {
		this.#starting ??= this.#start().finally(() => (this.#starting = null));
		return this.#starting;
	}

	/** Lets go of the camera (the light goes off); `start` takes it back. */
	pause(): void {
		this.#release();
		this.status = 'paused';
	}

	async switchCamera(): Promise<void> {
		const inputs = await videoInputs();
		if (inputs.length < 2 || !this.#camera) return;
		const at = inputs.findIndex((d) => d.deviceId === this.#camera?.deviceId);
		const next = inputs[(at + 1) % inputs.length];
		remember(next.deviceId);
		this.#release();
		await this.start();
	}

	async toggleTorch(): Promise<void> {
		const camera = this.#camera;
		if (!camera || this.torch === 'none') return;
		const on = this.torch === 'off';
		if (await camera.setTorch(on)) this.torch = on ? 'on' : 'off';
	}

	dispose(): void {
		document.removeEventListener('visibilitychange', this.#onVisibility);
		this.#release();
		this.#pump.dispose();
	}

	async #start(): Promise<void> {
		if (this.#camera) return;
		this.status = 'starting';
		this.problem = '';
		try {
			let camera: OpenCamera;
			try {
				camera = await openCamera(recalled());
			} catch (e) {
				// The remembered camera may be gone (another phone, an unplugged webcam): any will do.
				if (!(e instanceof CameraError) || e.problem !== 'none' || recalled() === null) throw e;
				remember(null);
				camera = await openCamera(null);
			}
			if (this.status !== 'starting') {
				// Paused (page hidden) while the camera opened: let it go again.
				camera.stop();
				return;
			}
			this.#camera = camera;
			const video = this.#video;
			video.srcObject = camera.stream;
			video.muted = true;
			video.playsInline = true;
			await video.play();
			this.torch = camera.torch ? 'off' : 'none';
			this.status = 'live';
			this.#pump.attach(video);
			this.cameras = (await videoInputs()).length;
		} catch (e) {
			this.#release();
			this.#fail(e instanceof CameraError ? e : new CameraError('failed', e instanceof Error ? e.message : 'The camera could not start.'));
		}
	}

	#fail(e: CameraError): void {
		this.status = e.problem;
		this.problem = e.message;
	}

	#release(): void {
		this.#pump.detach();
		this.#camera?.stop();
		this.#camera = null;
		this.#video.srcObject = null;
		this.detections = [];
		this.torch = 'none';
	}

	#visibility(): void {
		if (document.hidden) {
			this.#resumeOnShow = this.status === 'live' || this.status === 'starting';
			if (this.#resumeOnShow) this.pause();
		} else if (this.#resumeOnShow) {
			this.#resumeOnShow = false;
			void this.start();
		}
	}
}

function recalled(): string | null {
	try {
		return localStorage.getItem(DEVICE_KEY);
	} catch {
		return null;
	}
}

function remember(deviceId: string | null): void {
	try {
		if (deviceId) localStorage.setItem(DEVICE_KEY, deviceId);
		else localStorage.removeItem(DEVICE_KEY);
	} catch {
		// Private mode: the choice lasts for this page only.
	}
}
