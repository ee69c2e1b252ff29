/**
 * QR symbols for printed cards and signs, shared by the PDF renderer and the print page's
 * preview so both draw the same modules from the same payload.
 */
import QRCode from 'qrcode';

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

let last: { payload: string; qr: QRCode.QRCode } | null = null;

/**
 * The QR code for a payload, at error correction M. An upper-case payload is encoded as one
 * alphanumeric segment, as the payload contract intends: left to itself, `qrcode` mixes in
 * numeric segments for runs of digits (an all-digit code), which saves nothing at these
 * lengths (the symbol stays version 2 for a LAN origin) and makes the encoding vary by code.
 */
export function qrFor(payload: string): QRCode.QRCode {
  // A card's description and its painter ask for the same symbol one after the other.
  if (last?.payload === payload) return last.qr;
  const options = { errorCorrectionLevel: 'M' } as const;
  const qr = ALPHANUMERIC.test(payload)
    ? QRCode.create([{ data: payload, mode: 'alphanumeric' }], options)
    : QRCode.create(payload, options);
  last = { payload, qr };
  return qr;
}

/** Side of the white border a reader needs round a symbol of `side` (any unit). */
export function quietZone(qr: QRCode.QRCode, side: number): number {
  return (4 * side) / qr.modules.size;
}
