import { useEffect, useState, type JSX } from 'react';
import QRCode from 'qrcode';

/** The alt text of the QR code (what a screen reader says, and what the e2e test finds it by). */
export const totpQrAlt = 'QR code to scan with your authenticator app; it holds the same setup key as the text below';

/** An SVG document as an <img> source: the CSP allows `data:` images (img-src), never inline SVG scripts. */
export function svgImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * The `otpauth://` link as a QR code, drawn here in the browser (the secret goes nowhere
 * else). Rendered as an SVG image, so it stays sharp at any zoom. When it cannot be drawn,
 * it says so; the key typed by hand still works.
 */
export function TotpQrCode(props: { readonly uri: string }): JSX.Element {
  const [svg, setSvg] = useState<string | undefined>();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    setSvg(undefined);
    setFailed(false);
    QRCode.toString(props.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } }).then(
      (text) => current && setSvg(text),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [props.uri]);

  if (failed) return <p className="field-help">The QR code could not be drawn in this browser; type the key below instead.</p>;
  if (svg === undefined) return <div className="totp-qr totp-qr-pending" aria-hidden="true" />;
  return <img className="totp-qr" src={svgImageSource(svg)} alt={totpQrAlt} width={220} height={220} data-testid="totp-qr" />;
}
