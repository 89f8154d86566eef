// fcgi.go runs requests on FastCGI worker pools (C21, C22).

package gateway

import (
	"context"
	"net/http"
)

type poolTable struct{ g *Gateway }

func newPoolTable(g *Gateway) *poolTable        { return &poolTable{g: g} }
func (t *poolTable) closeAll()                  {}
func (t *poolTable) sync(s *settings)           {}
func (g *Gateway) drainPools(func(string) bool) {}
func fastcgiStatus(err error) (int, bool)       { return 0, false }

func (g *Gateway) startFastCGI(ctx context.Context, r *http.Request, s *settings, rt *route, b *body, x *exchange) (execution, error) {
	x.mode = ModeCGI
	return g.startCGI(ctx, r, s, rt, b, x)
}

func (t *poolTable) describe(s *settings, rt *route, ss *ScriptStatus) {}
func (t *poolTable) prune(s *settings) {}
