/**
 * Page-script helpers (browser JavaScript, kept as a string). Every piece of data reaches the
 * page through `textContent` or an attribute value, never through markup.
 */
export const DOM_SCRIPT = `
var SVG_NS = 'http://www.w3.org/2000/svg';

function byId(id) {
  return document.getElementById(id);
}

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svgEl(tag, attrs) {
  var node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach(function (name) {
    node.setAttribute(name, String(attrs[name]));
  });
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function option(value, text) {
  var node = document.createElement('option');
  node.value = value;
  node.textContent = text;
  return node;
}

function formatBytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
  return (n / (1024 * 1024)).toFixed(1) + ' MB';
}

function statusClass(status) {
  if (status === 'PASS') return 'status-pass';
  if (status === 'FAIL') return 'status-fail';
  return 'status-other';
}
`
