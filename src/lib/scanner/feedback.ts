/**
 * What a scan feels and sounds like, so a person looking at the wall (not the phone) knows
 * it counted: a short vibration where the device has one, and a beep made with WebAudio (no
 * sound file to download). Each kind has its own pattern, so they can be told apart by ear.
 *
 * Browsers start audio suspended until the person touches the page (a camera that started by
 * itself is no such touch), so the context is resumed on the first pointer-down.
 */
export type Cue = 'pick' | 'move' | 'info' | 'warn' | 'error';

interface Tone {
  /** Frequencies in Hz, played one after another. */
  notes: number[];
  noteMs: number;
  vibrate: number[];
}

const TONES: Record<Cue, Tone> = {
  pick: { notes: [1320], noteMs: 60, vibrate: [30] },
  move: { notes: [988, 1480], noteMs: 70, vibrate: [40, 40, 40] },
  info: { notes: [880], noteMs: 50, vibrate: [15] },
  warn: { notes: [660, 660], noteMs: 90, vibrate: [80, 60, 80] },
  error: { notes: [330, 247], noteMs: 120, vibrate: [200] }
};

export interface Feedback {
  cue(kind: Cue): void;
  muted: boolean;
  dispose(): void;
}

export function browserFeedback(): Feedback {
  let audio: AudioContext | null = null;
  const context = (): AudioContext | null => {
    if (audio) return audio;
    const Ctor = window.AudioContext ?? (window as Window & { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    audio = Ctor ? new Ctor() : null;
    return audio;
  };
  const unlock = () =>
    void context()
      ?.resume()
      .catch(() => undefined);
  window.addEventListener('pointerdown', unlock, { capture: true });

  const feedback: Feedback = {
    muted: false,
    cue(kind) {
      const tone = TONES[kind];
      // Browsers refuse (and log) vibration before the first touch on the page.
      if (navigator.userActivation?.hasBeenActive !== false) navigator.vibrate?.(tone.vibrate);
      if (feedback.muted) return;
      const ctx = context();
      if (!ctx || ctx.state !== 'running') return;
      let t = ctx.currentTime;
      const step = tone.noteMs / 1000;
      for (const frequency of tone.notes) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = frequency;
        // A quick fade in and out: a hard start and stop clicks.
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.25, t + 0.008);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + step);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t);
        osc.stop(t + step + 0.01);
        t += step + 0.02;
      }
    },
    dispose() {
      window.removeEventListener('pointerdown', unlock, { capture: true });
      void audio?.close().catch(() => undefined);
      audio = null;
    }
  };
  return feedback;
}
