// Toolbar and store icons, drawn from one SVG at build time (the shield the tray app uses).
import sharp from 'sharp';

const SHIELD = (size: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">
  <path d="M32 4 L56 13 V31 C56 45 45.5 55.5 32 60 C18.5 55.5 8 45 8 31 V13 Z" fill="#1d5fa8" stroke="#0d3b6e" stroke-width="3"/>
  <circle cx="32" cy="30" r="10" fill="none" stroke="#ffffff" stroke-width="5"/>
  <circle cx="32" cy="30" r="3.5" fill="#ffffff"/>
</svg>`;

export const ICON_SIZES = [16, 32, 48, 128] as const;

export async function renderIcon(size: number): Promise<Buffer> {
  return sharp(Buffer.from(SHIELD(size)))
    .png()
    .toBuffer();
}
