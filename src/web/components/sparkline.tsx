// A small line of weekly units for a table row, drawn on a canvas (hundreds of rows stay cheap).
import { useEffect, useRef } from 'preact/hooks';

export function Sparkline({
  values,
  label,
  width = 96,
  height = 24,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (c === null) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = width * dpr;
    c.height = height * dpr;
    const g = c.getContext('2d');
    if (g === null) return;
    g.scale(dpr, dpr);
    g.clearRect(0, 0, width, height);
    if (values.length < 2) return;
    const max = Math.max(...values, 1e-9);
    g.strokeStyle = getComputedStyle(c).color;
    g.lineWidth = 1.25;
    g.beginPath();
    values.forEach((v, i) => {
      const x = (i / (values.length - 1)) * (width - 2) + 1;
      const y = height - 1 - (Math.max(v, 0) / max) * (height - 2);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
  }, [values, width, height]);
  return (
    <canvas
      ref={ref}
      class="sparkline"
      style={{ width: `${width}px`, height: `${height}px` }}
      role="img"
      aria-label={label}
    />
  );
}
