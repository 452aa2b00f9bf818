import { toSVG } from 'bwip-js/browser';

/*
 * Both symbols are drawn as SVG: vector bars stay sharp at any printer
 * resolution, where a canvas bitmap scaled to 85 mm would blur the narrow bars.
 * The quiet zones are part of the symbol so a cramped card layout cannot eat them.
 */

/** Code 128 (what a till's 1D scanner reads): the number only, its digits printed by the card itself. */
export const code128Svg = (number: string): string =>
  // bars may stretch to the card's width: a 1D symbol scaled along its length alone still reads
  toSVG({ bcid: 'code128', text: number, height: 9, scale: 2, includetext: false, paddingwidth: 10, paddingheight: 1 }).replace(
    '<svg ',
    '<svg preserveAspectRatio="none" ',
  );

/** QR code (phones, 2D scanners), with its four-module quiet zone. */
export const qrSvg = (number: string): string => toSVG({ bcid: 'qrcode', text: number, scale: 2, padding: 4 });
