import QRCode from 'qrcode';

/**
 * A QR code of `url` as an SVG data: URI, for an <img> (the pages' CSP allows data: images, and no
 * markup of ours is built from a string).
 */
export async function qrCodeDataUri(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
