/**
 * Stands in, in Lambda bundles, for jsPDF's optional browser helpers (html2canvas, canvg,
 * dompurify) and its PNG decoder (fast-png): Acorn draws PDFs from text only and never calls
 * them (infra/bundling.ts).
 */
export default function unavailable(): never {
  throw new Error('This browser-only module is not bundled into Acorn functions');
}
