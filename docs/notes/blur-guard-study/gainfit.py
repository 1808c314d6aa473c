import numpy as np, csv, torch
R=list(csv.DictReader(open('./features.csv')))
F=np.array([[float(r['f%d'%i]) for i in range(119)] for r in R])
cond=np.array([r['condition'] for r in R]); geo=np.array([r['geometry'] for r in R]); ids=np.array([int(r['id']) for r in R])
gain=np.array([float(r['psnr_smfd'])-float(r['psnr_in']) if r['condition']!='SHARP' else -1 for r in R])
pin=np.array([float(r['psnr_in']) for r in R])
deg=cond!='SHARP'; y=(gain>=0.5)
fold=(ids//2)%2
def auc(s,l):
    r=s.argsort().argsort()+1; p=l.sum(); n=len(l)-p
    return (r[l].sum()-p*(p+1)/2)/(p*n)
def fit(X,y,ridge=1e-3,w=None):
    X=torch.tensor(X,dtype=torch.float64); y=torch.tensor(y,dtype=torch.float64)
    w_=torch.ones(len(y),dtype=torch.float64) if w is None else torch.tensor(w)
    b=torch.zeros(X.shape[1]+1,dtype=torch.float64,requires_grad=True)
    opt=torch.optim.LBFGS([b],max_iter=500,line_search_fn='strong_wolfe')
    def cl():
        opt.zero_grad(); z=X@b[1:]+b[0]
        l=(w_*torch.nn.functional.binary_cross_entropy_with_logits(z,y,reduction='none')).sum()/w_.sum()+ridge*(b[1:]**2).sum()
        l.backward(); return l
    opt.step(cl); return b.detach().numpy()
mu=F.mean(0); sd=F.std(0)+1e-12; Z=(F-mu)/sd
mat=cond=='MATRIX'
for ridge in [1e-3,1e-2,1e-1]:
    s=np.zeros(len(R))
    for k in (0,1):
        tr=deg&(fold!=k); te=fold==k
        b=fit(Z[tr],y[tr],ridge); s[te]=Z[te]@b[1:]+b[0]
    print('ridge',ridge,'gain|degraded CV AUC: matrix %.3f  degraded %.3f'%(auc(s[mat],y[mat]),auc(s[deg],y[deg])))
# baseline: psnr_in oracle
print('oracle psnr_in AUC matrix %.3f'%auc(-pin[mat],y[mat]))
