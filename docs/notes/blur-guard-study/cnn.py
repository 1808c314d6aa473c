import numpy as np, os, csv, torch, torch.nn as nn, time
torch.set_num_threads(1); torch.manual_seed(0)
def load(D, filt):
    out={}
    for f in sorted(os.listdir(D)):
        p=f[:-4].split('_'); g=p[2]+'_'+p[3]; cond=p[1]; cell=int(p[4])
        if not filt(cond,cell): continue
        w,h=map(int,p[5].split('x'))
        a=np.fromfile(os.path.join(D,f),np.uint8).reshape(h,w,3).astype(np.float32)/255
        y=0.299*a[...,0]+0.587*a[...,1]+0.114*a[...,2]
        r=y[int(.2*h):int(.85*h), int(.2*w):int(.8*w)]
        out.setdefault(g,[]).append((r,cond,cell,p[0]))
    return out
tr=load('./dump2', lambda c,cell: True)
te=load('./dump', lambda c,cell: c=='SHARP' or (c=='MATRIX'))
lab={}
for r in csv.DictReader(open('./cache.csv')): lab[(r['id'],r['geometry'],r['cell'])]=float(r['psnr_smfd'])-float(r['psnr_in'])
C=16
net=nn.Sequential(nn.Conv2d(1,C,3),nn.ReLU(),nn.Conv2d(C,C,3),nn.ReLU(),nn.Conv2d(C,2*C,3,stride=2),nn.ReLU(),nn.Conv2d(2*C,2*C,3),nn.ReLU())
head=nn.Linear(4*C,1)
def fwd(x):
    h=net(x); return head(torch.cat([h.mean((2,3)), h.amax((2,3))],1)).squeeze(1)
opt=torch.optim.Adam(list(net.parameters())+list(head.parameters()),1e-3)
t0=time.time()
for ep in range(int(os.environ.get('EP','6'))):
    tot=0
    for g,items in tr.items():
        X=torch.tensor(np.stack([i[0] for i in items]))[:,None]; Y=torch.tensor([i[1]!='SHARP' for i in items],dtype=torch.float32)
        W=torch.where(Y>0,3.0,1.0)
        perm=torch.randperm(len(X))
        for s in range(0,len(X),32):
            b=perm[s:s+32]; x=X[b]; x=x-x.mean((2,3),keepdim=True)
            if torch.rand(1)<.5: x=x.flip(3)
            l=(W[b]*nn.functional.binary_cross_entropy_with_logits(fwd(x),Y[b],reduction='none')).mean()
            opt.zero_grad(); l.backward(); opt.step(); tot+=l.item()
    print('epoch',ep,'loss %.4f'%tot,'%.0fs'%(time.time()-t0),flush=True)
torch.save({'net':net.state_dict(),'head':head.state_dict()},'./cnn.pt')
with torch.no_grad():
  for g,items in te.items():
    X=torch.tensor(np.stack([i[0] for i in items]))[:,None]; X=X-X.mean((2,3),keepdim=True)
    s=torch.cat([fwd(X[i:i+64]) for i in range(0,len(X),64)]).numpy()
    sharp=np.array([i[1]=='SHARP' for i in items])
    for q in (0.99,0.995):
        thr=np.quantile(s[sharp],q)
        line=[]
        for cell in range(24):
            idx=[k for k,i in enumerate(items) if i[1]=='MATRIX' and i[2]==cell and lab[(i[3],g,str(cell))]>=0.5]
            if idx: line.append('%d:%d/%d'%(cell,(s[idx]<=thr).sum(),len(idx)))
        print(g,'sharp pass',q,'missed per cell:',' '.join(line))
