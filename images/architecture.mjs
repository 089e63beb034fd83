#!/usr/bin/env node
// Draws images/architecture.svg from the description below: `node images/architecture.mjs`.
// Boxes are placed by hand on a grid; arrows run between box centres, clipped at the box borders; a label sits
// halfway along its arrow (or at `at`), on it, or beside it (`beside: "above" | "right"`) where the arrow is too
// short for a label to cover without hiding the arrow head.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WIDTH = 1200;
const HEIGHT = 800;

const group = { x: 250, y: 30, w: 650, h: 740, title: "Pilot edge machine: docker-compose, network clarus_inference_network" };

const boxes = {
  callers: {
    x: 20,
    y: 320,
    w: 200,
    h: 130,
    kind: "outside",
    title: "Callers",
    lines: ["operator, Postman,", "plant scripts,", "MLOps pipeline"],
  },
  agent: {
    x: 290,
    y: 70,
    w: 270,
    h: 150,
    kind: "service",
    title: "clarus_node_agent :8081",
    lines: [
      "packages/node-agent",
      "deploy / replace / remove,",
      "list, inspect, logs, v3 via IDS",
      "/swagger /openapi.json /metrics",
    ],
  },
  engine: {
    x: 640,
    y: 70,
    w: 230,
    h: 110,
    kind: "infra",
    title: "Docker engine",
    lines: ["/var/run/docker.sock", "state = container labels"],
  },
  inference: {
    x: 640,
    y: 250,
    w: 230,
    h: 110,
    kind: "infra",
    title: "Inference containers",
    lines: ["inference01, …", "host port → internal port"],
  },
  ids: {
    x: 640,
    y: 430,
    w: 230,
    h: 110,
    kind: "infra",
    title: "clarus_ids_agent :8082",
    lines: ["IDS connector (clarus_ids_kit)", "consumer + provider assets"],
  },
  detector: {
    x: 290,
    y: 570,
    w: 270,
    h: 160,
    kind: "service",
    title: "data_drift_detector :5000",
    lines: [
      "packages/drift-detector",
      "read → detect → report → IDS",
      "→ Airflow → swap reference",
      "runs + reports kept in storage",
    ],
  },
  registry: {
    x: 950,
    y: 70,
    w: 230,
    h: 110,
    kind: "outside",
    title: "Docker registry",
    lines: ["MLOps platform", "credentials: ./config.json"],
  },
  minio: {
    x: 950,
    y: 540,
    w: 230,
    h: 100,
    kind: "outside",
    title: "MinIO (S3)",
    lines: ["reference, new data,", "reports, history"],
  },
  airflow: {
    x: 950,
    y: 670,
    w: 230,
    h: 100,
    kind: "outside",
    title: "Airflow 2 / 3",
    lines: ["retraining DAG", "(ID_AIRFLOW_DAG)"],
  },
};

const edges = [
  { from: "callers", to: "agent", label: "HTTP /api/inference/…" },
  { from: "callers", to: "detector", label: "HTTP /api/detect_data_drift" },
  { from: "agent", to: "engine", label: "Docker API", beside: "above" },
  { from: "engine", to: "registry", label: "pull image", beside: "above" },
  { from: "engine", to: "inference", label: "runs", beside: "right" },
  { from: "agent", to: "ids", label: "GET consumer asset (v3)", at: 0.3 },
  { from: "detector", to: "ids", label: "POST provider asset" },
  { from: "detector", to: "minio", label: "read, write, swap" },
  { from: "detector", to: "airflow", label: "trigger DAG run" },
];

const STYLE = {
  service: { fill: "#e8f1fb", stroke: "#2f6db5" },
  infra: { fill: "#f3f3f3", stroke: "#666" },
  outside: { fill: "#fff8e6", stroke: "#b58a2f" },
};

const xmlText = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const centre = (box) => ({ x: box.x + box.w / 2, y: box.y + box.h / 2 });

/** Where the segment from the box centre towards `toward` leaves the box. */
function border(box, toward) {
  const c = centre(box);
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  const scale = Math.min(dx === 0 ? Infinity : box.w / 2 / Math.abs(dx), dy === 0 ? Infinity : box.h / 2 / Math.abs(dy));
  return { x: c.x + dx * scale, y: c.y + dy * scale };
}

function boxSvg(box) {
  const style = STYLE[box.kind];
  const text = [
    `<text x="${box.x + 12}" y="${box.y + 26}" class="title">${xmlText(box.title)}</text>`,
    ...box.lines.map((line, i) => `<text x="${box.x + 12}" y="${box.y + 50 + i * 20}">${xmlText(line)}</text>`),
  ];
  return `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="8" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>\n${text.join("\n")}`;
}

function edgeSvg(edge) {
  const from = boxes[edge.from];
  const to = boxes[edge.to];
  const start = border(from, centre(to));
  const end = border(to, centre(from));
  const at = edge.at ?? 0.5;
  const onLine = { x: start.x + (end.x - start.x) * at, y: start.y + (end.y - start.y) * at };
  const labelWidth = edge.label.length * 6.6 + 10;
  const offset = { above: { x: 0, y: -14 }, right: { x: labelWidth / 2 + 4, y: 0 } }[edge.beside] ?? { x: 0, y: 0 };
  const mid = { x: onLine.x + offset.x, y: onLine.y + offset.y };
  return [
    `<line x1="${start.x.toFixed(1)}" y1="${start.y.toFixed(1)}" x2="${end.x.toFixed(1)}" y2="${end.y.toFixed(1)}" class="edge" marker-end="url(#arrow)"/>`,
    `<rect x="${(mid.x - labelWidth / 2).toFixed(1)}" y="${(mid.y - 10).toFixed(1)}" width="${labelWidth.toFixed(1)}" height="18" rx="3" class="label-bg"/>`,
    `<text x="${mid.x.toFixed(1)}" y="${(mid.y + 4).toFixed(1)}" class="label">${xmlText(edge.label)}</text>`,
  ].join("\n");
}

/** What the three box colours mean, in the free corner left of the edge machine. */
function legendSvg() {
  const entries = [
    ["service", "this repository's services"],
    ["infra", "on the edge machine"],
    ["outside", "outside the machine"],
  ];
  return entries
    .map(([kind, text], i) => {
      const y = 40 + i * 26;
      const { fill, stroke } = STYLE[kind];
      return `<rect x="20" y="${y}" width="18" height="14" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/><text x="46" y="${y + 12}" font-size="12">${xmlText(text)}</text>`;
    })
    .join("\n");
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">
<title>clarus-inference-kit architecture</title>
<style>
  .title { font-weight: bold; font-size: 14px; }
  .edge { stroke: #333; stroke-width: 1.5; }
  .label { text-anchor: middle; font-size: 11.5px; fill: #222; }
  .label-bg { fill: #fff; opacity: 0.9; }
  .group { fill: none; stroke: #2f6db5; stroke-dasharray: 6 4; }
</style>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
<rect width="100%" height="100%" fill="#fff"/>
<rect x="${group.x}" y="${group.y}" width="${group.w}" height="${group.h}" rx="12" class="group"/>
<text x="${group.x + 14}" y="${group.y + 22}" fill="#2f6db5" font-weight="bold">${xmlText(group.title)}</text>
${Object.values(boxes).map(boxSvg).join("\n")}
${edges.map(edgeSvg).join("\n")}
${legendSvg()}
<text x="${group.x + 14}" y="${group.y + group.h - 12}" fill="#555">Both services share packages/common: config, logs, HTTP app, OpenAPI, metrics.</text>
</svg>
`;

writeFileSync(join(dirname(fileURLToPath(import.meta.url)), "architecture.svg"), svg);
