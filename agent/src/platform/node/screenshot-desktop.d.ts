// screenshot-desktop ships no types; this covers the call we make.
declare module 'screenshot-desktop' {
  interface ScreenshotOptions {
    format?: 'png' | 'jpg' | 'jpeg' | 'tiff' | 'bmp';
    screen?: string | number;
    linuxLibrary?: 'imagemagick' | 'scrot';
  }
  function screenshot(options?: ScreenshotOptions): Promise<Buffer>;
  export = screenshot;
}
