//! Draws a QR code as inline SVG from the modules the core computed
//! (`qrModules`: rows of booleans, true = dark). The UI never encodes a QR
//! code itself; it only paints the squares, with the quiet zone around them
//! that scanners need. Built with `createElementNS`, never from markup.

const SVG = 'http://www.w3.org/2000/svg';
/** The white margin around the code, in modules (the standard asks for 4). */
const QUIET_ZONE = 4;

function svgElement(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/**
 * An `<svg>` for `modules`, labelled by `label` (a text for assistive
 * technology). Each run of dark modules in a row becomes one rectangle, so
 * the drawing stays small. It scales with CSS; the modules stay crisp.
 */
export function qrSvg(modules, { id, label }) {
  const size = modules.length + QUIET_ZONE * 2;
  const svg = svgElement('svg', {
    viewBox: `0 0 ${size} ${size}`,
    class: 'qr',
    role: 'img',
    'aria-label': label,
    'shape-rendering': 'crispEdges',
  });
  if (id) svg.setAttribute('id', id);
  svg.append(svgElement('rect', { x: 0, y: 0, width: size, height: size, fill: '#ffffff' }));
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      svg.append(
        svgElement('rect', { x: start + QUIET_ZONE, y: y + QUIET_ZONE, width: x - start, height: 1, fill: '#000000' }),
      );
    }
  });
  return svg;
}
