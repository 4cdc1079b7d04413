// The plan's purchase orders per supplier and location, and its transfers between locations (GET
// /plans/{run}/purchase-orders): shown on the Purchase orders page when the shop has several locations, a transfer or
// an order raised to a supplier's minimum; each order downloads as the CSV to send.
import { useState } from 'preact/hooks';
import { api, qs } from '../api';
import { fmtMoney, fmtUnits } from '../format';
import { useApi } from '../use-api';

interface PoLine {
  sku: string;
  name: string;
  qty: number;
  value: number;
  note: string;
}
interface PurchaseOrder {
  po_id: string;
  supplier: string;
  location: string;
  units: number;
  value: number;
  lines: PoLine[];
}
interface Transfer {
  sku: string;
  name: string;
  from_location: string;
  to_location: string;
  qty: number;
  cost: number;
  saves: number;
}
interface Network {
  run_id: number;
  purchase_orders: PurchaseOrder[];
  transfers: Transfer[];
}

const place = (l: string): string => (l === '' ? '—' : l);

export function NetworkOrders({ run }: { run: number }) {
  const q = useApi<Network>(`/plans/${run}/purchase-orders`);
  const [problem, setProblem] = useState<string | null>(null);
  const n = q.data;
  if (n === null) return null;
  const locations = new Set(n.purchase_orders.map((p) => p.location));
  const raised = n.purchase_orders.some((p) => p.lines.some((l) => l.note !== ''));
  if (locations.size < 2 && n.transfers.length === 0 && !raised) return null;
  const download = async (po: PurchaseOrder) => {
    setProblem(null);
    try {
      await api.download(`/plans/${run}/purchase-orders.csv${qs({ po: po.po_id })}`, `${po.po_id}.csv`);
    } catch (e) {
      setProblem(`Could not download ${po.po_id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <section class="card network" aria-labelledby="network-title" data-orders={n.purchase_orders.length}>
      <h2 id="network-title">By supplier and location</h2>
      <p class="muted">
        Each product's order split over the locations so that each one's stock lasts about as long; every order meets
        its supplier's minimums.
      </p>
      {problem !== null && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <div
        class="table-wrap"
        tabIndex={0}
        role="region"
        aria-label="Purchase orders by supplier and location, scrollable"
      >
        <table class="pos">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Supplier</th>
              <th scope="col">Location</th>
              <th scope="col" class="num">
                Lines
              </th>
              <th scope="col" class="num">
                Units
              </th>
              <th scope="col" class="num">
                Value
              </th>
              <th scope="col">File</th>
            </tr>
          </thead>
          <tbody>
            {n.purchase_orders.map((p) => (
              <tr key={p.po_id} data-po={p.po_id} data-units={p.units} data-value={p.value}>
                <td>{p.po_id}</td>
                <td>{p.supplier === '' ? 'no supplier' : p.supplier}</td>
                <td>{place(p.location)}</td>
                <td class="num">{fmtUnits(p.lines.length)}</td>
                <td class="num">{fmtUnits(p.units)}</td>
                <td class="num">{fmtMoney(p.value)}</td>
                <td>
                  <button type="button" onClick={() => void download(p)} aria-label={`Download ${p.po_id} as CSV`}>
                    CSV
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {n.transfers.length > 0 && (
        <>
          <h3>Transfers between locations ({n.transfers.length})</h3>
          <p class="muted">
            A location that runs out before a purchase order could arrive, supplied by one with more than it needs,
            where the sales saved are worth more than the move costs.
          </p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Transfers between locations, scrollable">
            <table class="transfers">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col" class="num">
                    Units
                  </th>
                  <th scope="col" class="num">
                    Cost
                  </th>
                  <th scope="col" class="num">
                    Sales saved
                  </th>
                </tr>
              </thead>
              <tbody>
                {n.transfers.map((t) => (
                  <tr key={`${t.sku} ${t.from_location} ${t.to_location}`} data-transfer={t.sku}>
                    <td>
                      {t.name} <code>{t.sku}</code>
                    </td>
                    <td>{place(t.from_location)}</td>
                    <td>{place(t.to_location)}</td>
                    <td class="num">{fmtUnits(t.qty)}</td>
                    <td class="num">{fmtMoney(t.cost)}</td>
                    <td class="num">{fmtMoney(t.saves)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
